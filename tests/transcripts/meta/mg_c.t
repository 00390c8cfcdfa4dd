# mg c: the CAS value, the same one gets returns
> ms mg_c_a 1 c\r\nx\r\n
< HD c{c1}\r\n
> mg mg_c_a c\r\n
< HD c{c1}\r\n
> gets mg_c_a\r\n
< VALUE mg_c_a 0 1 {c1}\r\nx\r\nEND\r\n
> ms mg_c_a 1\r\ny\r\n
< HD\r\n
> mg mg_c_a c v\r\n
< VA 1 c{c2}\r\ny\r\n
> ms mg_c_a 1 C{c1}\r\nz\r\n
< EX\r\n
