#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QStringList>

class QProcess;

namespace kestrel::app {

// The other ranks of a data-parallel run that the window trains as rank 0: ranks 1..N-1, each
// `kestrel-cli train FOLDER --join-run RUN` with the environment torchrun would give it
// (RANK, LOCAL_RANK, WORLD_SIZE, MASTER_ADDR=127.0.0.1, MASTER_PORT). They read the run's
// settings from the project and train with this process through c10d; each keeps the end
// of what it says, so that a rank that fails can say why.
class RankProcesses : public QObject {
    Q_OBJECT
public:
    struct Launch {
        QString program; // kestrel-cli (findRankProgram)
        std::filesystem::path projectFolder;
        std::int64_t runId = 0;
        int worldSize = 2;
        std::uint16_t port = 0; // where rank 0 serves the c10d store
        QString device;         // "cpu" or "cuda" (each rank then on cuda:LOCAL_RANK)
        int threads = 0;        // each rank's CPU threads; 0: kestrel-cli's default
    };

    // Starts the ranks at once; failedToStart or rankFailed say when one cannot train.
    explicit RankProcesses(const Launch& launch, QObject* parent = nullptr);
    // Kills the ranks still running: by then rank 0 has ended the run, or never will.
    ~RankProcesses() override;

    // The kestrel-cli to start ranks with: $KESTREL_CLI, or the one beside this program (or
    // in the build tree's app/cli), or on the PATH; empty when there is none.
    static QString findRankProgram();

    // Lets the ranks end on their own (they follow rank 0's end), killing any left after
    // `graceMs`; then deletes itself.
    void release(int graceMs);

signals:
    // A rank ended other than successfully before release(): its last words.
    void rankFailed(int rank, const QString& message);

private:
    void ended(int rank, const QString& said, int exitCode, bool crashed);

    std::vector<QProcess*> processes_; // rank 1 first
    std::vector<QByteArray> outputs_;  // the end of each one's stderr
    bool released_ = false;
};

} // namespace kestrel::app
