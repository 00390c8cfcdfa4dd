# ma M: I/+ increment, D/- decrement (stops at 0); incr wraps at 2^64
> ma ma_M_a N0 J5 q\r\n
< HD\r\n
> ma ma_M_a MI D3 v\r\n
< VA 1\r\n8\r\n
> ma ma_M_a M+ D3 v\r\n
< VA 2\r\n11\r\n
> ma ma_M_a MD D1 v\r\n
< VA 2\r\n10\r\n
> ma ma_M_a M- D100 v\r\n
< VA 1\r\n0\r\n
> ma ma_M_a Mx v\r\n
< CLIENT_ERROR invalid mode for ma M token\r\n
> ms ma_M_b 20\r\n18446744073709551615\r\n
< HD\r\n
> ma ma_M_b v\r\n
< VA 1\r\n0\r\n
