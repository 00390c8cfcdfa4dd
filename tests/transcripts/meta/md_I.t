# md I: invalidate, marking the item stale (X); the next fetch wins (W), later ones see Z
> ms md_I_a 2\r\nhi\r\n
< HD\r\n
> md md_I_a I T30\r\n
< HD\r\n
> mg md_I_a v c\r\n
< VA 2 c{c1} X W\r\nhi\r\n
> mg md_I_a v\r\n
< VA 2 Z X\r\nhi\r\n
# a set with a stale CAS fails; a plain set replaces the stale item
> ms md_I_a 2 C1\r\nxx\r\n
< EX\r\n
> ms md_I_a 2\r\nzz\r\n
< HD\r\n
> mg md_I_a v\r\n
< VA 2\r\nzz\r\n
> md md_I_missing I\r\n
< NF\r\n
