# ma: arithmetic; NF on a miss, N autovivifies with J as the initial value
> ma ma_a\r\n
< NF\r\n
> ma ma_a N0 J10\r\n
< HD\r\n
> ma ma_a v\r\n
< VA 2\r\n11\r\n
> ma ma_a D9 v\r\n
< VA 2\r\n20\r\n
> ma ma_a N0 J99 v\r\n
< VA 2\r\n21\r\n
> ms ma_b 3\r\nabc\r\n
< HD\r\n
> ma ma_b\r\n
< CLIENT_ERROR cannot increment or decrement non-numeric value\r\n
> ma ma_a D-1\r\n
< CLIENT_ERROR invalid or duplicate flag\r\n
