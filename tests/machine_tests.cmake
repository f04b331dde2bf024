# Whole-machine tests: each guest checks itself and halts 0 on success.
space_guest(hello hello.c)
space_machine_test(machine.hello hello EXIT 42 OUTPUT "hello from SPACE, ram 64 MiB, cmdline 'a b'"
  ARGS --cmdline "a b")
