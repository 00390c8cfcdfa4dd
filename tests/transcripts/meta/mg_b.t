# b: the key is base64; k returns it encoded and b is echoed
> ms YmluYXJ5X2tleQ== 2 b\r\nhi\r\n
< HD\r\n
> mg YmluYXJ5X2tleQ== b v k\r\n
< VA 2 kYmluYXJ5X2tleQ== b\r\nhi\r\n
> mg binary_key v\r\n
< VA 2\r\nhi\r\n
> md YmluYXJ5X2tleQ== b\r\n
< HD\r\n
> mg binary_key v\r\n
< EN\r\n
> mg ####== b v\r\n
< CLIENT_ERROR error decoding key\r\n
