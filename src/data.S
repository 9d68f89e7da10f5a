/* data.S - files compiled into the binary: the NBS division codes of Shanxi. */
	.section .rodata
	.global cunwu_nbs_shanxi
	.global cunwu_nbs_shanxi_end
	.balign 16
cunwu_nbs_shanxi:
	.incbin "data/admin-divisions-shanxi.csv"
cunwu_nbs_shanxi_end:
	.byte 0
	.section .note.GNU-stack,"",@progbits
