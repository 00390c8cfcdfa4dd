# ms C: compare-and-swap; EX on a CAS mismatch, NF when the item is missing
> ms ms_C_a 1\r\nx\r\n
< HD\r\n
> mg ms_C_a c\r\n
< HD c{c1}\r\n
> ms ms_C_a 1 C{c1}\r\ny\r\n
< HD\r\n
> ms ms_C_a 1 C{c1}\r\nz\r\n
< EX\r\n
> ms ms_C_missing 1 C{c1}\r\nz\r\n
< NF\r\n
> mg ms_C_a v\r\n
< VA 1\r\ny\r\n
