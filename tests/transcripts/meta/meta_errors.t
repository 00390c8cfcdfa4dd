# meta CLIENT_ERROR cases: unknown or duplicate flags, bad base64, missing key
> mg meta_e_a !\r\n
< CLIENT_ERROR invalid flag\r\n
> mg meta_e_a v v\r\n
< CLIENT_ERROR duplicate flag\r\n
> mg\r\n
< ERROR\r\n
> md\r\n
< ERROR\r\n
> ma\r\n
< ERROR\r\n
> mg meta_e_kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk v\r\n
< CLIENT_ERROR bad command line format\r\n
