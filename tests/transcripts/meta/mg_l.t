# mg l: seconds since last access
> ms mg_l_a 1\r\nx\r\n
< HD\r\n
> mg mg_l_a l v\r\n
< VA 1 l{*}\r\nx\r\n
