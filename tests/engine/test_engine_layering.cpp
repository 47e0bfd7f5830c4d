// The engine's architecture rules, checked on its source files: no Qt anywhere in engine/, no
// Torch outside engine/ml/, and lower modules never include higher ones (docs: style.md).
#include <QtTest>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>

namespace fs = std::filesystem;

namespace {
// Which engine modules each module may include (itself included).
const std::map<std::string, std::set<std::string>> kAllowed = {
    {"core", {"core"}},
    {"crystal", {"core", "crystal"}},
    {"symmetry", {"core", "crystal", "symmetry"}},
    {"io", {"core", "crystal", "symmetry", "io"}},
    {"ecd", {"core", "crystal", "symmetry", "io", "ecd"}},
    {"encoding", {"core", "crystal", "symmetry", "io", "ecd", "encoding"}},
    {"dataset", {"core", "crystal", "symmetry", "io", "ecd", "encoding", "dataset"}},
    {"metrics", {"core", "metrics"}},
    {"plot", {"core", "plot"}},
    {"eval", {"core", "crystal", "symmetry", "io", "ecd", "encoding", "dataset", "metrics", "plot", "eval"}},
    // crystal_eval decodes generated images through the encodings and their data sets.
    {"crystal_eval", {"core", "crystal", "symmetry", "io", "ecd", "encoding", "dataset", "metrics", "plot",
                      "crystal_eval"}},
    // ml generates crystals end to end: sampling, decoding and the crystal evaluator.
    {"ml", {"core", "crystal", "symmetry", "io", "ecd", "encoding", "dataset", "metrics", "plot", "eval",
            "crystal_eval", "ml"}},
};

// Inside ml/, each part has its folder; what they share stays in ml/ itself (issue 20).
// Property guides are trained on diffusion's noisy images, and generation samples diffusion
// runs with property guidance, so those two look down; nothing looks up.
const std::map<std::string, std::set<std::string>> kMlAllowed = {
    {"ml", {"ml"}},
    {"ml/diffusion", {"ml", "ml/diffusion"}},
    {"ml/features", {"ml", "ml/features"}},
    {"ml/props", {"ml", "ml/diffusion", "ml/props"}},
    {"ml/generation", {"ml", "ml/diffusion", "ml/props", "ml/generation"}},
};

/// "ml" for a file or include directly in ml/, "ml/<part>" for one in a part's folder.
std::string mlPart(const fs::path& relative) {
    auto it = relative.begin();
    ++it;  // past "ml"
    const fs::path next = *it;
    return ++it == relative.end() ? "ml" : "ml/" + next.string();
}

struct Include {
    std::string file;
    int line;
    std::string target;
};

std::vector<Include> includesOf(const fs::path& file) {
    // Built from pieces: moc's preprocessor mistakes a literal hash-include in a raw string.
    static const std::regex includeLine(std::string("^\\s*") + '#' + "\\s*include\\s*[<\"]([^>\"]+)[>\"]");
    std::vector<Include> result;
    std::ifstream in(file);
    std::string text;
    int line = 0;
    while (std::getline(in, text)) {
        ++line;
        std::smatch m;
        if (std::regex_search(text, m, includeLine)) result.push_back({file.string(), line, m[1]});
    }
    return result;
}
}  // namespace

class TestEngineLayering : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void engineFollowsTheLayers() {
        const fs::path engine = fs::path(CW_SOURCE_DIR) / "engine";
        QVERIFY(fs::is_directory(engine));
        int checked = 0;
        QStringList violations;
        for (const auto& entry : fs::recursive_directory_iterator(engine)) {
            const std::string ext = entry.path().extension().string();
            if (ext != ".h" && ext != ".cpp" && ext != ".inc") continue;
            const std::string module = fs::relative(entry.path(), engine).begin()->string();
            const auto allowed = kAllowed.find(module);
            if (allowed == kAllowed.end()) {
                violations << QString::fromStdString(entry.path().string() + ": module '" + module +
                                                     "' is not in the layering table");
                continue;
            }
            for (const Include& inc : includesOf(entry.path())) {
                ++checked;
                const std::string where = inc.file + ":" + std::to_string(inc.line) + ": ";
                if (std::regex_search(inc.target, std::regex("^Q[A-Za-z]|^Qt"))) {
                    violations << QString::fromStdString(where + "includes Qt header " + inc.target);
                }
                if (module != "ml" && (inc.target.rfind("torch/", 0) == 0 ||
                                       inc.target.rfind("ATen/", 0) == 0 ||
                                       inc.target.rfind("c10/", 0) == 0)) {
                    violations << QString::fromStdString(where + "includes Torch outside ml/: " + inc.target);
                }
                const auto slash = inc.target.find('/');
                if (slash == std::string::npos) continue;
                if (module == "ml" && inc.target.rfind("ml/", 0) == 0) {
                    const std::string from = mlPart(fs::relative(entry.path(), engine));
                    const std::string to = mlPart(inc.target);
                    const auto part = kMlAllowed.find(from);
                    if (part == kMlAllowed.end())
                        violations << QString::fromStdString(where + "'" + from +
                                                             "' is not in the ml table");
                    else if (!part->second.count(to))
                        violations << QString::fromStdString(where + from + " must not include " +
                                                             inc.target);
                }
                const std::string target = inc.target.substr(0, slash);
                if (kAllowed.count(target) && !allowed->second.count(target)) {
                    violations << QString::fromStdString(where + module + " must not include " + inc.target);
                }
            }
        }
        QVERIFY2(violations.isEmpty(), qPrintable(violations.join('\n')));
        QVERIFY(checked > 10);
    }

    // Names the first feature took for everything are gone (issue 20): the ECD data set's
    // builder says it is ECD's, the diffusion training config says it is diffusion's,
    // production code is not named like a test, and ml's parts are included from their folders.
    void oldNamesStayGone() {
        const std::regex retired(
            R"re(\b(DatasetOptions|BuildSettings|BuildResult|buildDataset|TrainingConfig|trainingConfigFromJson)\b)re"
            R"re(|dataset/builder\.h|metrics/ks_test\.h)re"
            R"re(|"ml/(diffusion|unet|trainer|training_config|checkpoint|sampling|crystal_generation|props_[a-z_]+)re"
            R"re(|learned_features|encoder_training)\.h")re");
        QStringList found;
        int files = 0;
        for (const char* folder : {"engine", "app", "widgets", "tests"}) {
            for (const auto& entry : fs::recursive_directory_iterator(fs::path(CW_SOURCE_DIR) / folder)) {
                const std::string ext = entry.path().extension().string();
                if (ext != ".h" && ext != ".cpp") continue;
                if (entry.path().filename() == "test_engine_layering.cpp") continue;  // names them
                ++files;
                std::ifstream in(entry.path());
                std::string text;
                for (int line = 1; std::getline(in, text); ++line)
                    if (std::regex_search(text, retired))
                        found << QString::fromStdString(entry.path().string() + ":" + std::to_string(line) + ": " + text);
            }
        }
        QVERIFY(files > 100);
        QVERIFY2(found.isEmpty(), qPrintable(found.join('\n')));
        QVERIFY(!fs::exists(fs::path(CW_SOURCE_DIR) / "engine/metrics/ks_test.cpp"));
        QVERIFY(!fs::exists(fs::path(CW_SOURCE_DIR) / "engine/ml/trainer.cpp"));
        QVERIFY(!fs::exists(fs::path(CW_SOURCE_DIR) / "widgets/jobs/props_job.cpp"));
    }
};

QTEST_APPLESS_MAIN(TestEngineLayering)
#include "test_engine_layering.moc"
