#include "rank_processes.h"

#include <algorithm>

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QProcessEnvironment>
#include <QStandardPaths>
#include <QTimer>

namespace kestrel::app {

namespace {

constexpr qsizetype kKeptOutput = 4096; // bytes of a rank's stderr kept for its last words

QString lastLine(const QByteArray& output) {
    const QStringList lines = QString::fromLocal8Bit(output).split('\n', Qt::SkipEmptyParts);
    return lines.isEmpty() ? QString() : lines.last().trimmed();
}

} // namespace

RankProcesses::RankProcesses(const Launch& launch, QObject* parent) : QObject(parent) {
    for (int rank = 1; rank < launch.worldSize; ++rank) {
        auto* process = new QProcess(this);
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert("RANK", QString::number(rank));
        environment.insert("LOCAL_RANK", QString::number(rank));
        environment.insert("WORLD_SIZE", QString::number(launch.worldSize));
        environment.insert("LOCAL_WORLD_SIZE", QString::number(launch.worldSize));
        environment.insert("MASTER_ADDR", "127.0.0.1");
        environment.insert("MASTER_PORT", QString::number(launch.port));
        environment.remove("TORCHELASTIC_USE_AGENT_STORE"); // rank 0, this window, serves it
        process->setProcessEnvironment(environment);
        // Only stderr matters (the rank's progress and its error); stdout is not read.
        process->setStandardOutputFile(QProcess::nullDevice());
        QStringList arguments{"train",      QString::fromStdString(launch.projectFolder.string()),
                              "--join-run", QString::number(launch.runId),
                              "--device",   launch.device};
        if (launch.threads > 0) {
            arguments << "--threads" << QString::number(launch.threads);
        }
        const auto index = processes_.size();
        // Read as it comes, so that a talkative rank never blocks on a full pipe.
        connect(process, &QProcess::readyReadStandardError, this, [this, process, index] {
            QByteArray& kept = outputs_[index];
            kept += process->readAllStandardError();
            if (kept.size() > kKeptOutput) {
                kept = kept.right(kKeptOutput);
            }
        });
        connect(process, &QProcess::finished, this,
                [this, rank, process, index](int exitCode, QProcess::ExitStatus status) {
                    outputs_[index] += process->readAllStandardError();
                    ended(rank, lastLine(outputs_[index]), exitCode, status == QProcess::CrashExit);
                });
        connect(process, &QProcess::errorOccurred, this,
                [this, rank, process, program = launch.program](QProcess::ProcessError error) {
                    if (error == QProcess::FailedToStart && !released_) {
                        emit rankFailed(
                            rank,
                            tr("%1 could not be started: %2").arg(program, process->errorString()));
                    }
                });
        processes_.push_back(process);
        outputs_.emplace_back();
        process->start(launch.program, arguments);
    }
}

RankProcesses::~RankProcesses() {
    for (QProcess* process : processes_) {
        process->disconnect(this);
        if (process->state() != QProcess::NotRunning) {
            process->kill();
            process->waitForFinished(1000);
        }
    }
}

QString RankProcesses::findRankProgram() {
    const QString given = qEnvironmentVariable("KESTREL_CLI");
    if (!given.isEmpty()) {
        return QFileInfo(given).isExecutable() ? given : QString();
    }
    const QDir here(QCoreApplication::applicationDirPath());
    for (const QString& candidate :
         {here.filePath("kestrel-cli"), here.filePath("../cli/kestrel-cli")}) { // the build tree
        if (QFileInfo(candidate).isExecutable()) {
            return QFileInfo(candidate).canonicalFilePath();
        }
    }
    return QStandardPaths::findExecutable("kestrel-cli");
}

void RankProcesses::release(int graceMs) {
    released_ = true;
    const auto running = [this] {
        return std::any_of(processes_.begin(), processes_.end(), [](const QProcess* process) {
            return process->state() != QProcess::NotRunning;
        });
    };
    if (!running()) {
        deleteLater();
        return;
    }
    QTimer::singleShot(graceMs, this, [this] { deleteLater(); }); // the destructor kills
    for (QProcess* process : processes_) {
        connect(process, &QProcess::finished, this, [this, running] {
            if (!running()) {
                deleteLater();
            }
        });
    }
}

void RankProcesses::ended(int rank, const QString& said, int exitCode, bool crashed) {
    if (released_ || (exitCode == 0 && !crashed)) {
        return;
    }
    emit rankFailed(rank, crashed ? tr("it crashed%1").arg(said.isEmpty() ? "" : ": " + said)
                          : said.isEmpty() ? tr("it exited with status %1").arg(exitCode)
                                           : said);
}

} // namespace kestrel::app
