# O: an opaque token copied back on every return code, including misses
> ms mg_O_a 1 Oabc123\r\nx\r\n
< HD Oabc123\r\n
> mg mg_O_a O42 v\r\n
< VA 1 O42\r\nx\r\n
> mg mg_O_missing O43 v\r\n
< EN O43\r\n
> md mg_O_a O44\r\n
< HD O44\r\n
> md mg_O_a O45\r\n
< NF O45\r\n
