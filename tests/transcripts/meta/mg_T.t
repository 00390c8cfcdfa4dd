# T: update the TTL on fetch (touch)
> ms mg_T_a 1\r\nx\r\n
< HD\r\n
> mg mg_T_a T1000 t\r\n
< HD t1000\r\n
> mg mg_T_a T-1 v\r\n
< VA 1\r\nx\r\n
> mg mg_T_a v\r\n
< EN\r\n
