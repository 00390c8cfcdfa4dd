# ms CLIENT_ERROR cases
> ms ms_e_a\r\n
< CLIENT_ERROR bad command line format\r\n
> ms ms_e_a abc\r\n
< CLIENT_ERROR bad command line format\r\n
> ms ms_e_a 2\r\nabcd\r\n
< CLIENT_ERROR bad data chunk\r\n
< ERROR\r\n
> ms ms_e_a 1 Tabc\r\nx\r\n
< CLIENT_ERROR bad token in command line format\r\n
> mg ms_e_a v\r\n
< EN\r\n
