#include "ml/diffusion/eval_log.h"

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "core/complete_lines.h"
#include "core/atomic_file.h"
#include "core/error.h"

namespace cw::ml {
namespace {

namespace fs = std::filesystem;

constexpr const char* kHeader =
    "step,real_count,generated_count,mean_atoms_real,mean_atoms_generated,ks_statistic,"
    "ks_pvalue,wasserstein,fid,kid,extractor\n";
constexpr std::size_t kColumns = 11;

std::string number(const std::optional<double>& value) {
    if (!value) return {};
    char text[40];
    std::snprintf(text, sizeof text, "%.10g", *value);
    return text;
}

// RFC 4180 quoting, needed only when an extractor's name (a file name) holds a comma or quote.
std::string quoted(const std::string& text) {
    if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
    std::string out = "\"";
    for (char c : text) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

std::string formatRow(const EvalLogRow& row) {
    std::string line = std::to_string(row.step) + "," + std::to_string(row.realCount) + "," +
                       std::to_string(row.generatedCount);
    // append() rather than "," + text: GCC 12 warns falsely (-Wrestrict) on the latter.
    for (const auto* value : {&row.meanAtomsReal, &row.meanAtomsGenerated, &row.ksStatistic,
                              &row.ksPValue, &row.wasserstein, &row.fid, &row.kid})
        line.append(1, ',').append(number(*value));
    return line.append(1, ',').append(quoted(row.extractor)).append(1, '\n');
}

// Splits a CSV line; false on an unterminated quote.
bool splitFields(const std::string& line, std::vector<std::string>& fields) {
    fields.clear();
    std::string field;
    bool inQuotes = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (inQuotes) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                inQuotes = false;
            } else {
                field += c;
            }
        } else if (c == '"') {
            inQuotes = true;
        } else if (c == ',') {
            fields.push_back(std::move(field));
            field.clear();
        } else {
            field += c;
        }
    }
    fields.push_back(std::move(field));
    return !inQuotes;
}

template <typename Integer>
bool parseInteger(const std::string& text, Integer& value) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return !text.empty() && ec == std::errc() && end == text.data() + text.size();
}

// An empty cell is "not computed"; strtod (not from_chars) so that nan and inf read back.
bool parseOptional(const std::string& text, std::optional<double>& value) {
    if (text.empty()) {
        value.reset();
        return true;
    }
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size()) return false;
    value = v;
    return true;
}

// One data line; the reason when it is not a row.
std::string parseRow(const std::string& line, EvalLogRow& row) {
    std::vector<std::string> fields;
    if (!splitFields(line, fields)) return "unterminated quote";
    if (fields.size() != kColumns)
        return "expected " + std::to_string(kColumns) + " columns, got " + std::to_string(fields.size());
    if (!parseInteger(fields[0], row.step) || row.step < 0) return "step \"" + fields[0] + "\" is not a step";
    if (!parseInteger(fields[1], row.realCount)) return "real_count \"" + fields[1] + "\" is not a count";
    if (!parseInteger(fields[2], row.generatedCount))
        return "generated_count \"" + fields[2] + "\" is not a count";
    std::optional<double>* values[] = {&row.meanAtomsReal, &row.meanAtomsGenerated, &row.ksStatistic,
                                       &row.ksPValue,      &row.wasserstein,        &row.fid,
                                       &row.kid};
    for (std::size_t i = 0; i < std::size(values); ++i)
        if (!parseOptional(fields[3 + i], *values[i]))
            return "\"" + fields[3 + i] + "\" is not a number";
    row.extractor = fields[10];
    return {};
}

}  // namespace

std::string runEvalLogPath(const std::string& runDir) {
    return (fs::path(runDir) / "eval.csv").string();
}

void appendEvalLogRow(const std::string& runDir, const EvalLogRow& row) {
    const std::string path = runEvalLogPath(runDir);
    std::error_code ec;
    fs::create_directories(runDir, ec);  // a failure shows as the open error below
    const bool fresh = !fs::exists(path, ec) || fs::file_size(path, ec) == 0;
    std::ofstream out(path, std::ios::app | std::ios::binary);
    if (!out) throw IoError(path, "cannot open for appending");
    if (fresh) out << kHeader;
    out << formatRow(row);
    out.flush();
    if (!out) throw IoError(path, "write failed");
}

void truncateEvalLog(const std::string& runDir, std::int64_t step) {
    const std::string path = runEvalLogPath(runDir);
    if (!fs::exists(path)) return;
    std::string text = kHeader;
    for (const EvalLogRow& row : readEvalLog(runDir))
        if (row.step <= step) text += formatRow(row);
    writeFileAtomically(path, text);
}

std::vector<EvalLogRow> readEvalLog(const std::string& runDir, std::vector<std::string>* problems) {
    const std::string path = runEvalLogPath(runDir);
    std::vector<EvalLogRow> rows;
    if (!fs::exists(path)) return rows;
    forEachCompleteLine(readFileToString(path), [&](const std::string& line, int lineNumber) {
        if (lineNumber == 1 && line.rfind("step,", 0) == 0) return;
        EvalLogRow row;
        const std::string reason = parseRow(line, row);
        if (reason.empty()) {
            rows.push_back(std::move(row));
        } else if (problems) {
            problems->push_back("eval.csv line " + std::to_string(lineNumber) + ": " + reason);
        }
    });
    return rows;
}

}  // namespace cw::ml
