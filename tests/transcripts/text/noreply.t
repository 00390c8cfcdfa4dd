# noreply silences every command that has it; the following get shows the effects.
> set noreply_a 1 0 2 noreply\r\n10\r\n
> add noreply_a 0 0 1 noreply\r\nx\r\n
> add noreply_b 2 0 1 noreply\r\nb\r\n
> replace noreply_b 3 0 1 noreply\r\nB\r\n
> append noreply_b 0 0 1 noreply\r\nC\r\n
> prepend noreply_b 0 0 1 noreply\r\nA\r\n
> incr noreply_a 5 noreply\r\n
> decr noreply_a 2 noreply\r\n
> touch noreply_a 100 noreply\r\n
> set noreply_c 0 0 1 noreply\r\nc\r\n
> delete noreply_c noreply\r\n
> cas noreply_b 0 0 1 1 noreply\r\nx\r\n
> get noreply_a noreply_b noreply_c\r\n
< VALUE noreply_a 1 2\r\n13\r\n
< VALUE noreply_b 3 3\r\nABC\r\n
< END\r\n
# errors are still reported under noreply? (memcached: a failed incr is silent too)
> incr noreply_missing 1 noreply\r\n
> flush_all noreply\r\n
> get noreply_a\r\n
< END\r\n
