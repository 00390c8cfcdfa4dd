# mg t: remaining TTL in seconds, -1 when the item never expires
> ms mg_t_a 1\r\nx\r\n
< HD\r\n
> mg mg_t_a t\r\n
< HD t-1\r\n
> ms mg_t_b 1 T1000\r\nx\r\n
< HD\r\n
> mg mg_t_b t v\r\n
< VA 1 t{*}\r\nx\r\n
