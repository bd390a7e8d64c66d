/* reserved: the console works without script */
