# cmake -DINPUT=FILE -DOUTPUT=FILE.c -DSYMBOL=name -P embed.cmake
# Writes FILE's bytes as a C array `const unsigned char SYMBOL[]` and
# `const unsigned long SYMBOL_size`, so that the image travels inside the
# program that needs it (portable: no assembler .incbin, no resource files).
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" n)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
string(REGEX REPLACE "((0x[0-9a-f][0-9a-f],){16})" "\\1\n" body "${body}")
math(EXPR size "${n} / 2")
file(WRITE "${OUTPUT}"
  "/* Generated from ${INPUT} by cmake/embed.cmake. */\n"
  "const unsigned char ${SYMBOL}[] = {\n${body}\n};\n"
  "const unsigned long ${SYMBOL}_size = ${size};\n")
