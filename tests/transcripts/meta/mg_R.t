# R: win the recache when the remaining TTL is below the token; others get Z
> ms mg_R_a 2 T10\r\nhi\r\n
< HD\r\n
> mg mg_R_a v R30\r\n
< VA 2 W\r\nhi\r\n
> mg mg_R_a v R30\r\n
< VA 2 Z\r\nhi\r\n
> ms mg_R_b 2 T100\r\nhi\r\n
< HD\r\n
> mg mg_R_b v R30\r\n
< VA 2\r\nhi\r\n
