# ma t, c, k, O, q, T
# quiet mode still reports the autovivifying HD (memcached 1.6)
> ma ma_f_a N0 J7 T0 q\r\n
< HD\r\n
> ma ma_f_a t c k O5 v\r\n
< VA 1 t-1 c{c1} kma_f_a O5\r\n8\r\n
> ma ma_f_a T1000 t\r\n
< HD t1000\r\n
> ma ma_f_a C{c1}\r\n
< EX\r\n
> ma ma_f_missing q\r\n
> ma ma_f_a q\r\n
> mn\r\n
< NF\r\n
< MN\r\n
> mg ma_f_a v\r\n
< VA 2\r\n10\r\n
