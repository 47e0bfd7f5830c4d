#pragma once
// crystal-workbench's command line: what to open and show, and the batch modes (a screenshot,
// the figures of a picked plane). Parsed with QCommandLineParser; the "I,J,K" picks by the
// engine's parser, the same as `cwb ecd slice --picks`.

#include <QSize>
#include <QString>
#include <QStringList>
#include <array>
#include <optional>

#include "ecd/plane.h"
#include "jobs/evaluation_data.h"

class QApplication;

namespace cw {

struct LaunchOptions {
    QStringList files;                    ///< the positional FILE (at most the first is opened)
    std::optional<PickTriple> picks;      ///< --pick I,J,K
    std::array<int, 3> repeats{1, 1, 1};  ///< --cells NA,NB,NC
    QSize windowSize;                     ///< --window-size; invalid: the default size
    QString screenshot;                   ///< --screenshot PATH
    QString exportDir;                    ///< --export-figures DIR
    int exportWidth = 1600;               ///< --export-width, px
    bool exportTransparent = false;
    bool resetSettings = false;
    QString workspace;  ///< --workspace DIR
    QString propsRun;   ///< --props-run DIR
    QString select;     ///< --select SITES
    /// --crystals GENERATED,REFERENCE[,TRAINING[,DATASET]]: four entries (empty ones not
    /// given), or none.
    QStringList crystals;
    std::optional<EvaluationRequest> evaluation;  ///< --evaluate REAL,GENERATED

    /// A run that does its job and exits (screenshot or figures): default layout and size.
    bool batch() const { return !screenshot.isEmpty() || !exportDir.isEmpty(); }
};

/// Parses `app`'s arguments; --help and --version print and exit as QCommandLineParser does.
/// Throws ConfigError with the message for a bad value ("--cells expects NA,NB,NC, each 1 to
/// 5").
LaunchOptions parseLaunchOptions(QApplication& app);

/// True when `flag` is among the raw arguments (before a QApplication exists).
bool hasFlag(int argc, char** argv, const char* flag);

}  // namespace cw
