# ms q: HD suppressed, failures shown
> ms ms_q_a 1 q\r\na\r\n
> ms ms_q_a 1 MR q\r\nr\r\n
> ms ms_q_missing 1 MR q\r\nr\r\n
> mn\r\n
< NS\r\n
< MN\r\n
> mg ms_q_a v\r\n
< VA 1\r\nr\r\n
