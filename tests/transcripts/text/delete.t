> set delete_a 0 0 1\r\na\r\n
< STORED\r\n
> delete delete_a\r\n
< DELETED\r\n
> delete delete_a\r\n
< NOT_FOUND\r\n
> get delete_a\r\n
< END\r\n
# the legacy "delete <key> 0" is accepted; any other time is refused
> set delete_a 0 0 1\r\na\r\n
< STORED\r\n
> delete delete_a 0\r\n
< DELETED\r\n
> delete delete_a 5\r\n
< CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]\r\n
% stat delete_hits 2
% stat delete_misses 1
