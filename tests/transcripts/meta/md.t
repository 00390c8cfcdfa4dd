# md: HD on delete, NF on a miss; C compares the CAS; q hides HD
> ms md_a 1\r\nx\r\n
< HD\r\n
> md md_a\r\n
< HD\r\n
> md md_a\r\n
< NF\r\n
> ms md_b 1 c\r\nx\r\n
< HD c{c1}\r\n
> md md_b C1\r\n
< EX\r\n
> md md_b C{c1} k\r\n
< HD kmd_b\r\n
> ms md_c 1\r\nx\r\n
< HD\r\n
> md md_c q\r\n
> md md_c q\r\n
> mn\r\n
< NF\r\n
< MN\r\n
