// A shared library that is not a DAIS plugin.
extern "C" __attribute__((visibility("default"))) int not_a_plugin(void) {
    return 42;
}
