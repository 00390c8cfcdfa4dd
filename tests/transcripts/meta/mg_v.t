# mg v: return the value (VA <size>), without v only HD; a miss is EN
> ms mg_v_a 3\r\nabc\r\n
< HD\r\n
> mg mg_v_a v\r\n
< VA 3\r\nabc\r\n
> mg mg_v_a\r\n
< HD\r\n
> mg mg_v_missing v\r\n
< EN\r\n
> mg mg_v_missing\r\n
< EN\r\n
