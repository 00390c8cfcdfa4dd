# mg f: client flags (32-bit), set by ms F
> ms mg_f_a 1 F4294967295\r\nx\r\n
< HD\r\n
> mg mg_f_a f\r\n
< HD f4294967295\r\n
> ms mg_f_b 1\r\ny\r\n
< HD\r\n
> mg mg_f_b f v\r\n
< VA 1 f0\r\ny\r\n
