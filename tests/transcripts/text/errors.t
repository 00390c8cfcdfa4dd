# unknown commands and malformed lines get memcached's exact replies; the connection survives
> bogus\r\n
< ERROR\r\n
> GET errors_a\r\n
< ERROR\r\n
> \r\n
< ERROR\r\n
> get\r\n
< ERROR\r\n
> set errors_a\r\n
< ERROR\r\n
> set errors_a 0 0 -1\r\n
< CLIENT_ERROR bad command line format\r\n
> set errors_a 0 0 z\r\n
< CLIENT_ERROR bad command line format\r\n
> incr\r\n
< ERROR\r\n
> touch errors_a\r\n
< ERROR\r\n
# a data block longer than announced is a bad data chunk
> set errors_a 0 0 3\r\nabcd\r\n
< CLIENT_ERROR bad data chunk\r\n
< ERROR\r\n
> get errors_a\r\n
< END\r\n
# a bare \n ends a line too
> set errors_b 0 0 1\nb\r\n
< STORED\r\n
> get errors_b\n
< VALUE errors_b 0 1\r\nb\r\nEND\r\n
