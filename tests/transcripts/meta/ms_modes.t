# ms M: E add, A append, P prepend, R replace, S set
> ms ms_M_a 1 ME\r\na\r\n
< HD\r\n
> ms ms_M_a 1 ME\r\nb\r\n
< NS\r\n
> ms ms_M_a 1 MA\r\nc\r\n
< HD\r\n
> ms ms_M_a 1 MP\r\nd\r\n
< HD\r\n
> mg ms_M_a v\r\n
< VA 3\r\ndac\r\n
> ms ms_M_a 1 MS\r\ns\r\n
< HD\r\n
> ms ms_M_a 1 MR\r\nr\r\n
< HD\r\n
> mg ms_M_a v\r\n
< VA 1\r\nr\r\n
> ms ms_M_missing 1 MR\r\nx\r\n
< NS\r\n
> ms ms_M_missing 1 MA\r\nx\r\n
< NS\r\n
> ms ms_M_missing 1 MP\r\nx\r\n
< NS\r\n
> mg ms_M_missing v\r\n
< EN\r\n
> ms ms_M_a 1 MX\r\nx\r\n
< CLIENT_ERROR invalid mode for ms M token\r\n
