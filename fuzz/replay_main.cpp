// The replay program of a fuzz target, for builds without libFuzzer: every input given runs once
// through the target's LLVMFuzzerTestOneInput. Arguments are files, or folders whose files all
// run in name order (names that start with "." are skipped; a missing folder holds nothing, as a
// target's regressions folder before its first finding). Each input is named before it runs, so
// a crash names its input.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

namespace fs = std::filesystem;

/// The inputs an argument names; false if it names nothing that can be read.
bool collect(const fs::path& arg, std::vector<fs::path>& inputs) {
    std::error_code ec;
    const fs::file_status status = fs::status(arg, ec);
    if (status.type() == fs::file_type::not_found) return true;
    if (status.type() == fs::file_type::regular) {
        inputs.push_back(arg);
        return true;
    }
    if (status.type() != fs::file_type::directory) return false;
    std::vector<fs::path> files;
    for (fs::directory_iterator it(arg, ec), end; !ec && it != end; it.increment(ec))
        if (it->is_regular_file() && it->path().filename().string().front() != '.')
            files.push_back(it->path());
    if (ec) return false;
    std::sort(files.begin(), files.end());
    inputs.insert(inputs.end(), files.begin(), files.end());
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s FILE|FOLDER...\n", argv[0]);
        return 2;
    }
    std::vector<fs::path> inputs;
    for (int i = 1; i < argc; ++i) {
        if (!collect(argv[i], inputs)) {
            std::fprintf(stderr, "%s: cannot read %s\n", argv[0], argv[i]);
            return 1;
        }
    }
    for (const fs::path& input : inputs) {
        std::error_code ec;
        std::string bytes(fs::file_size(input, ec), '\0');
        std::ifstream in(input, std::ios::binary);
        if (ec || !in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()))) {
            std::fprintf(stderr, "%s: cannot read %s\n", argv[0], input.c_str());
            return 1;
        }
        std::printf("%s\n", input.c_str());
        std::fflush(stdout);
        LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    }
    std::printf("%zu inputs ran\n", inputs.size());
    return 0;
}
