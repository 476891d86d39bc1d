#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "dais/fl/dataset.h"

namespace dais::fl {

namespace {

struct Field {
    std::string_view text;  // trimmed of spaces and tabs
    std::size_t column;     // 1-based character column of the field's first character
};

std::string_view trim(std::string_view s, std::size_t& lead) {
    lead = 0;
    while (lead < s.size() && (s[lead] == ' ' || s[lead] == '\t'))
        ++lead;
    s.remove_prefix(lead);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

void splitFields(std::string_view line, std::vector<Field>& out) {
    out.clear();
    std::size_t start = 0;
    for (;;) {
        const std::size_t comma = line.find(',', start);
        const std::size_t end = comma == std::string_view::npos ? line.size() : comma;
        std::size_t lead = 0;
        const std::string_view t = trim(line.substr(start, end - start), lead);
        out.push_back({t, start + (t.empty() ? 0 : lead) + 1});
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
}

[[noreturn]] void fail(const std::string& name, std::size_t line, std::size_t column,
                       const std::string& message) {
    throw DataError(name + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " +
                    message);
}

bool isClassNumber(std::string_view s) {
    if (s.empty() || s.size() > 9) return false;
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

Dataset parseCsv(std::string_view text, const std::string& name, const std::string& labelColumn) {
    std::vector<Field> fields;
    std::vector<std::string> header;
    std::size_t labelIndex = 0;
    std::vector<double> values;
    std::vector<std::string> labelTexts;
    std::size_t lineNo = 0, pos = 0;
    bool haveHeader = false;
    while (pos < text.size()) {
        std::size_t eol = text.find('\n', pos);
        if (eol == std::string_view::npos) eol = text.size();
        std::string_view line = text.substr(pos, eol - pos);
        pos = eol + 1;
        ++lineNo;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
        splitFields(line, fields);
        if (!haveHeader) {
            if (lineNo != 1) fail(name, lineNo, 1, "the header must be the first line");
            for (const Field& f : fields)
                header.emplace_back(f.text);
            const auto it = std::find(header.begin(), header.end(), labelColumn);
            if (it == header.end())
                fail(name, 1, 1, "no column named \"" + labelColumn + "\" in the header");
            labelIndex = static_cast<std::size_t>(it - header.begin());
            if (header.size() < 2) fail(name, 1, 1, "no feature columns besides the label");
            haveHeader = true;
            continue;
        }
        if (fields.size() != header.size()) {
            const std::size_t column =
                fields.size() > header.size() ? fields[header.size()].column : line.size() + 1;
            fail(name, lineNo, column,
                 "expected " + std::to_string(header.size()) + " fields, found " +
                     std::to_string(fields.size()));
        }
        for (std::size_t i = 0; i < fields.size(); ++i) {
            const Field& f = fields[i];
            if (i == labelIndex) {
                if (f.text.empty())
                    fail(name, lineNo, f.column, "empty label in column \"" + header[i] + "\"");
                labelTexts.emplace_back(f.text);
                continue;
            }
            if (f.text.empty())
                fail(name, lineNo, f.column, "empty value in column \"" + header[i] + "\"");
            double v = 0;
            const char* first = f.text.data();
            const char* last = first + f.text.size();
            const auto [end, ec] = std::from_chars(first, last, v);
            if (ec != std::errc() || end != last)
                fail(name, lineNo, f.column,
                     "expected a number in column \"" + header[i] + "\", found \"" +
                         std::string(f.text) + "\"");
            if (!std::isfinite(v))
                fail(name, lineNo, f.column,
                     "\"" + std::string(f.text) + "\" in column \"" + header[i] +
                         "\" is not a finite number");
            values.push_back(v);
        }
    }
    if (!haveHeader) throw DataError(name + ": empty file, expected a header line");
    if (labelTexts.empty()) throw DataError(name + ": no data rows after the header");

    Dataset d;
    const std::size_t dim = header.size() - 1;
    const std::size_t n = labelTexts.size();
    d.features = Eigen::Map<const Eigen::MatrixXd>(values.data(), static_cast<Eigen::Index>(dim),
                                                   static_cast<Eigen::Index>(n));
    for (std::size_t i = 0; i < header.size(); ++i)
        if (i != labelIndex) d.featureNames.push_back(header[i]);
    d.labels.resize(n);
    if (std::all_of(labelTexts.begin(), labelTexts.end(), isClassNumber)) {
        std::int32_t top = 0;
        for (std::size_t i = 0; i < n; ++i) {
            d.labels[i] = std::stoi(labelTexts[i]);
            top = std::max(top, d.labels[i]);
        }
        d.classes = static_cast<std::size_t>(top) + 1;
        for (std::size_t c = 0; c < d.classes; ++c)
            d.classNames.push_back(std::to_string(c));
    } else {
        std::map<std::string, std::int32_t> names;
        for (const std::string& s : labelTexts)
            names.emplace(s, 0);
        std::int32_t next = 0;
        for (auto& [s, id] : names) {
            id = next++;
            d.classNames.push_back(s);
        }
        for (std::size_t i = 0; i < n; ++i)
            d.labels[i] = names.at(labelTexts[i]);
        d.classes = names.size();
    }
    if (d.classes < 2)
        throw DataError(name + ": the label column \"" + labelColumn + "\" has only one class");
    return d;
}

std::string nonRegularFileKind(const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::file_status st = fs::status(path, ec);
    if (ec || !fs::exists(st) || fs::is_regular_file(st)) return {};
    switch (st.type()) {
        case fs::file_type::directory:
            return "a directory";
        case fs::file_type::character:
            return "a character device";
        case fs::file_type::block:
            return "a block device";
        case fs::file_type::fifo:
            return "a named pipe";
        case fs::file_type::socket:
            return "a socket";
        default:
            return "not a file";
    }
}

Dataset loadCsv(const std::string& path, const std::string& labelColumn) {
    // A device or a pipe would be read for ever (or block): refuse it before opening it.
    if (const std::string kind = nonRegularFileKind(path); !kind.empty())
        throw DataError(path + ": not a regular file (" + kind + ")");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw DataError(path + ": cannot open: " + std::strerror(errno));
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return parseCsv(buffer.str(), path, labelColumn);
}

}  // namespace dais::fl
