# N: vivify on miss; the first client wins (W) an empty item, later ones see Z
> mg mg_N_a v N30 c\r\n
< VA 0 c{*} W\r\n\r\n
> mg mg_N_a v N30\r\n
< VA 0 Z\r\n\r\n
> mg mg_N_a s\r\n
< HD s0 Z\r\n
# the winner's set clears the win state
> ms mg_N_a 3 T60\r\nnew\r\n
< HD\r\n
> mg mg_N_a v N30\r\n
< VA 3\r\nnew\r\n
