# mg s: value size
> ms mg_s_a 5\r\nhello\r\n
< HD\r\n
> mg mg_s_a s\r\n
< HD s5\r\n
> mg mg_s_a s v\r\n
< VA 5 s5\r\nhello\r\n
