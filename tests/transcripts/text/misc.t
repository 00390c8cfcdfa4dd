# version, verbosity, flush_all, quit
> version\r\n
< VERSION {*}\r\n
> verbosity 1\r\n
< OK\r\n
> verbosity 0 noreply\r\n
> verbosity\r\n
< ERROR\r\n
> set misc_a 0 0 1\r\na\r\n
< STORED\r\n
> flush_all\r\n
< OK\r\n
> get misc_a\r\n
< END\r\n
> flush_all 0\r\n
< OK\r\n
> flush_all noreply\r\n
> set misc_b 0 0 1\r\nb\r\n
< STORED\r\n
> get misc_b\r\n
< VALUE misc_b 0 1\r\nb\r\nEND\r\n
> quit\r\n
% eof
