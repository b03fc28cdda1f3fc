// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The smallest program to exec: no libc, exits at once. */
void _start(void)
{
	__asm__ volatile("mov $60, %eax\n\txor %edi, %edi\n\tsyscall");
	__builtin_unreachable();
}
