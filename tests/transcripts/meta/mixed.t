# text and meta mixed in one pipeline, answered in order
> set mixed_a 5 0 1\r\na\r\n
> mg mixed_a v f\r\n
> ms mixed_b 1 F6\r\nb\r\n
> get mixed_a mixed_b\r\n
> mg mixed_missing v q\r\n
> incr mixed_missing 1\r\n
> md mixed_a q\r\n
> get mixed_a\r\n
> mn\r\n
< STORED\r\n
< VA 1 f5\r\na\r\n
< HD\r\n
< VALUE mixed_a 5 1\r\na\r\nVALUE mixed_b 6 1\r\nb\r\nEND\r\n
< NOT_FOUND\r\n
< END\r\n
< MN\r\n
