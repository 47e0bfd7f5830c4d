// cwb eval ks: two-sample Kolmogorov–Smirnov test (as scipy.stats.ks_2samp) between two
// samples, one number per line, plus their Wasserstein-1 distance (docs/spec/metrics.md: counts have
// many ties, so the KS p-value alone is conservative).
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "commands/command.h"
#include "core/error.h"
#include "metrics/ks_two_sample.h"
#include "metrics/wasserstein.h"

namespace cw::cli {
namespace {

struct KsOptions {
    std::string first, second;
    std::string alternative = "two-sided";
    std::string method = "auto";
    bool json = false;
};

std::string trimmed(const std::string& line) {
    const auto begin = line.find_first_not_of(" \t\r\n");
    if (begin == std::string::npos) return {};
    const auto end = line.find_last_not_of(" \t\r\n");
    return line.substr(begin, end - begin + 1);
}

/// The numbers of a file, one per line; blank lines and lines starting with # are skipped.
/// Throws IoError (cannot open), FormatError (file, line, reason) for anything but a finite
/// number, or for a file without numbers.
std::vector<double> readSample(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw IoError(path, "cannot open for reading");
    std::vector<double> values;
    std::string line;
    for (int lineNo = 1; std::getline(in, line); ++lineNo) {
        const std::string text = trimmed(line);
        if (text.empty() || text[0] == '#') continue;
        char* end = nullptr;
        errno = 0;
        const double v = std::strtod(text.c_str(), &end);
        if (end != text.c_str() + text.size() || errno == ERANGE || !std::isfinite(v)) {
            throw FormatError(path, "line " + std::to_string(lineNo),
                              "'" + text + "' is not a finite number");
        }
        values.push_back(v);
    }
    if (in.bad()) throw IoError(path, "read failed");
    if (values.empty()) throw FormatError(path, "", "no numbers (one per line expected)");
    return values;
}

int runKs(const KsOptions& o) {
    const KsAlternative alternative = parseKsAlternative(o.alternative);
    const KsMethod method = parseKsMethod(o.method);
    std::vector<double> a = readSample(o.first), b = readSample(o.second);
    const double w1 = wasserstein1(a, b);
    const KsResult r = ks2Sample(std::move(a), std::move(b), alternative, method);
    if (o.json) {
        // nlohmann writes the shortest text that reads back to the same double.
        nlohmann::json j;
        j["statistic"] = r.statistic;
        j["pvalue"] = r.pvalue;
        j["method"] = ksMethodName(r.method);
        j["alternative"] = ksAlternativeName(alternative);
        j["n1"] = r.n1;
        j["n2"] = r.n2;
        j["wasserstein"] = w1;
        std::cout << j.dump() << '\n';
        return kExitOk;
    }
    std::printf("statistic %.17g\npvalue %.17g\nmethod %s\nalternative %s\nn1 %zu\nn2 %zu\n"
                "wasserstein %.17g\n",
                r.statistic, r.pvalue, ksMethodName(r.method), ksAlternativeName(alternative),
                r.n1, r.n2, w1);
    return kExitOk;
}

}  // namespace

void addEvalKsCommand(CLI::App& eval) {
    auto o = std::make_shared<KsOptions>();
    CLI::App* cmd = eval.add_subcommand(
        "ks", "Two-sample Kolmogorov–Smirnov test (scipy ks_2samp) and Wasserstein-1 distance");
    cmd->add_option("A", o->first, "First sample: one number per line (# comments)")->required();
    cmd->add_option("B", o->second, "Second sample: one number per line (# comments)")->required();
    cmd->add_option("--alternative", o->alternative, "two-sided, less or greater")
        ->check(CLI::IsMember({"two-sided", "less", "greater"}))
        ->capture_default_str();
    cmd->add_option("--method", o->method, "P-value: auto (exact up to 10000), exact or asymp")
        ->check(CLI::IsMember({"auto", "exact", "asymp"}))
        ->capture_default_str();
    cmd->add_flag("--json", o->json,
                  "One JSON object: statistic, pvalue, method, alternative, n1, n2, wasserstein");
    setAction(cmd, [o] { return runKs(*o); });
}

}  // namespace cw::cli
