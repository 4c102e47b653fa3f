module promgate.local/tools/regexp-oracle

go 1.22
