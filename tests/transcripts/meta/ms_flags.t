# ms F (client flags), T (TTL), c (return CAS), k and O echoed
> ms ms_F_a 2 F77 T0 c k O9\r\nab\r\n
< HD c{c1} kms_F_a O9\r\n
> mg ms_F_a f t c v\r\n
< VA 2 f77 t-1 c{c1}\r\nab\r\n
> ms ms_F_a 2 T-1\r\nab\r\n
< HD\r\n
> mg ms_F_a v\r\n
< EN\r\n
