#include "dais/core/json_pointer.h"

namespace dais::core {

std::string escapePointerToken(std::string_view token) {
    std::string out;
    out.reserve(token.size());
    for (char c : token) {
        if (c == '~')
            out += "~0";
        else if (c == '/')
            out += "~1";
        else
            out += c;
    }
    return out;
}

std::string unescapePointerToken(std::string_view token) {
    std::string out;
    out.reserve(token.size());
    for (std::size_t i = 0; i < token.size(); ++i) {
        if (token[i] == '~' && i + 1 < token.size() && (token[i + 1] == '0' || token[i + 1] == '1'))
            out += token[++i] == '0' ? '~' : '/';
        else
            out += token[i];
    }
    return out;
}

std::string childPointer(std::string_view parent, std::string_view key) {
    std::string out(parent);
    out += '/';
    out += escapePointerToken(key);
    return out;
}

std::string childPointer(std::string_view parent, std::size_t index) {
    return std::string(parent) + '/' + std::to_string(index);
}

std::vector<std::string> splitPointer(std::string_view pointer) {
    std::vector<std::string> tokens;
    if (pointer.empty()) return tokens;
    std::size_t start = 1;  // past the leading "/"
    while (true) {
        const std::size_t slash = pointer.find('/', start);
        const std::string_view raw = pointer.substr(
            start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
        tokens.push_back(unescapePointerToken(raw));
        if (slash == std::string_view::npos) return tokens;
        start = slash + 1;
    }
}

}  // namespace dais::core
