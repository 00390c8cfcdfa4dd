# q: quiet mode; mg hides EN, ms hides HD, md hides HD; mn ends the batch
> ms mg_q_a 1 q\r\nx\r\n
> mg mg_q_missing v q\r\n
> mg mg_q_a v q\r\n
> md mg_q_missing q\r\n
> md mg_q_a q\r\n
> mn\r\n
< VA 1\r\nx\r\n
< NF\r\n
< MN\r\n
> mg mg_q_a v\r\n
< EN\r\n
