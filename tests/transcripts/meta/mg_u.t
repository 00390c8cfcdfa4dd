# u: no LRU bump; the item is still returned
> ms mg_u_a 1\r\nx\r\n
< HD\r\n
> mg mg_u_a u v\r\n
< VA 1\r\nx\r\n
