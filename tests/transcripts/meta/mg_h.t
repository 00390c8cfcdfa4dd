# mg h: 0 until the item has been fetched once, then 1
> ms mg_h_a 1\r\nx\r\n
< HD\r\n
> mg mg_h_a h\r\n
< HD h0\r\n
> mg mg_h_a h\r\n
< HD h1\r\n
