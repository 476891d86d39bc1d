// `dais new-layer ID`: a new layer made from the layer template (plugins/layer-template), written
// into a DAIS source tree and added to its build, ready to build, list, run and test.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "commands.h"
#include "dais/core/result.h"
#include "layer_template.h"

namespace dais::app {

const char* const kNewLayerHelp = R"(usage: dais new-layer ID [--name NAME] [--root DIR]

Makes a new layer from DAIS's layer template, in the DAIS source tree at DIR (default: the
current folder): the layer in plugins/ID (its definition with a few parameters and metrics, a
small working model, the plugin entry point, CMakeLists.txt, README.md and an example
scenario) and its tests in tests/plugins/ID. It adds the layer to plugins/CMakeLists.txt and
its tests to tests/plugins/CMakeLists.txt, so the next build makes the plugin ID.so, `dais
layers` lists it and ctest runs its tests. Nothing is overwritten: a layer folder that exists
is refused.

ID is the layer's id: lower-case letters, digits and '_', starting with a letter. It names the
layer in scenarios ("layers": {"ID": {...}}), its metrics (ID.sent), its plugin and its C++
namespace (dais::layers::ID).

options:
  --name NAME   the layer's human name (default: ID with a capital, '_' as spaces)
  --root DIR    the DAIS source tree to write into (default: .)
)";

namespace {

namespace fs = std::filesystem;

/// Words that cannot be a C++ namespace, plus the ids DAIS keeps for itself.
bool reservedId(std::string_view id) {
    static constexpr std::string_view kWords[] = {
        "alignas",   "alignof",   "and",        "asm",      "auto",     "bool",      "break",
        "case",      "catch",     "char",       "class",    "concept",  "const",     "consteval",
        "constexpr", "constinit", "const_cast", "continue", "co_await", "co_return", "co_yield",
        "decltype",  "default",   "delete",     "do",       "double",   "else",      "enum",
        "explicit",  "export",    "extern",     "false",    "float",    "for",       "friend",
        "goto",      "if",        "inline",     "int",      "long",     "mutable",   "namespace",
        "new",       "noexcept",  "not",        "nullptr",  "operator", "or",        "private",
        "public",    "return",    "short",      "signed",   "static",   "struct",    "switch",
        "template",  "this",      "true",       "using",    "enabled",  "net"};
    for (std::string_view w : kWords)
        if (w == id) return true;
    return false;
}

std::string defaultName(std::string id) {
    for (char& c : id)
        if (c == '_') c = ' ';
    id[0] = static_cast<char>(id[0] - 'a' + 'A');
    return id;
}

std::string substitute(std::string_view text, const std::string& id, const std::string& name) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        if (text.compare(i, 10, "@LAYER_ID@") == 0) {
            out += id;
            i += 10;
        } else if (text.compare(i, 12, "@LAYER_NAME@") == 0) {
            out += name;
            i += 12;
        } else {
            out += text[i++];
        }
    }
    return out;
}

/// Appends `add_subdirectory(ID)` to a CMakeLists.txt that exists and lacks it.
core::Result<bool> addSubdirectory(const fs::path& cmakeLists, const std::string& id) {
    std::error_code ec;
    if (!fs::exists(cmakeLists, ec)) return false;
    std::ifstream in(cmakeLists, std::ios::binary);
    std::ostringstream read;
    read << in.rdbuf();
    if (!in) return core::Error{cmakeLists.string() + ": cannot be read"};
    const std::string text = read.str();
    const std::string line = "add_subdirectory(" + id + ")";
    if (text.find(line) != std::string::npos) return false;
    std::ofstream out(cmakeLists, std::ios::binary | std::ios::app);
    if (!text.empty() && text.back() != '\n') out << '\n';
    out << line << '\n';
    if (!out) return core::Error{cmakeLists.string() + ": cannot be written"};
    return true;
}

}  // namespace

int commandNewLayer(Args& args) {
    std::string id, name, root = ".";
    while (!args.done()) {
        const std::string word = args.take();
        if (word == "--name" || word == "--root") {
            if (args.done()) {
                printError("new-layer: " + word + " needs a value");
                return kExitUsage;
            }
            (word == "--name" ? name : root) = args.take();
        } else if (word.rfind("--", 0) == 0) {
            printError("new-layer: unknown option \"" + word + "\" (see dais help new-layer)");
            return kExitUsage;
        } else if (id.empty()) {
            id = word;
        } else {
            printError("new-layer: one layer at a time (got \"" + id + "\" and \"" + word + "\")");
            return kExitUsage;
        }
    }
    if (id.empty()) {
        printError("new-layer: which id? (usage: dais new-layer ID)");
        return kExitUsage;
    }
    static const std::regex kId("[a-z][a-z0-9_]{0,39}");
    if (!std::regex_match(id, kId) || reservedId(id)) {
        printError("new-layer: \"" + id.substr(0, 60) +
                   "\" cannot be a layer id: use lower-case letters, digits and '_', starting "
                   "with a letter, at most 40 characters, and not a C++ keyword");
        return kExitUsage;
    }
    if (name.empty()) name = defaultName(id);
    for (unsigned char c : name)
        if (c < 0x20 || c == '"' || c == '\\' || c == '@') {
            printError(
                "new-layer: --name may not hold quotes, backslashes, '@' or control "
                "characters");
            return kExitUsage;
        }

    const fs::path base(root);
    std::error_code ec;
    if (!fs::is_directory(base / "plugins", ec)) {
        printError("new-layer: " + (base / "plugins").string() +
                   " is not a folder: run it in the DAIS source tree, or give --root");
        return kExitBadInput;
    }
    for (const char* folder : {"plugins", "tests/plugins"})
        if (fs::exists(base / folder / id, ec)) {
            printError("new-layer: " + (base / folder / id).string() +
                       " exists already; nothing was written");
            return kExitBadInput;
        }

    std::vector<std::string> written;
    for (const LayerTemplateFile& f : layerTemplateFiles()) {
        const fs::path path = base / substitute(f.path, id, name);
        fs::create_directories(path.parent_path(), ec);
        std::ofstream out(path, std::ios::binary);
        out << substitute(f.text, id, name);
        if (!out) {
            printError("new-layer: cannot write " + path.string());
            return kExitFailure;
        }
        written.push_back(path.lexically_relative(base).string());
    }
    for (const char* folder : {"plugins", "tests/plugins"}) {
        const auto added = addSubdirectory(base / folder / "CMakeLists.txt", id);
        if (!added) {
            printError("new-layer: " + added.error().message);
            return kExitFailure;
        }
        if (*added) written.push_back(std::string(folder) + "/CMakeLists.txt (added " + id + ")");
    }
    std::printf("made layer %s (\"%s\"):\n", id.c_str(), name.c_str());
    for (const std::string& w : written)
        std::printf("  %s\n", w.c_str());
    std::printf(
        "next: build (cmake --build --preset dev), then\n"
        "  dais layers %s\n"
        "  dais run plugins/%s/%s-example.dais.json\n"
        "  ctest --preset dev -R tst_%s\n"
        "and make it yours: plugins/%s/README.md says where to start.\n",
        id.c_str(), id.c_str(), id.c_str(), id.c_str(), id.c_str());
    return kExitOk;
}

}  // namespace dais::app
