/* main.c -- the mgrad binary: everything is in mgrad.c, so that the tests
 * and the fuzzer run the same code. */
#include "mgrad.h"

int main(int argc, char **argv) {
    return mgrad_main(argc, argv, stdin, stdout, stderr);
}
