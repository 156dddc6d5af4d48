"""Load-driver processes and their pipes, shared by the benchmarks: each
driver is a spawned process running `target(pipe, spec)`, answering the
commands sent down its pipe."""

import multiprocessing
import time


class DriverPool:
    def __init__(self, target, specs: list[dict], name: str = "load driver"):
        context = multiprocessing.get_context("spawn")
        self.name = name
        self.pipes, self.processes = [], []
        for spec in specs:
            parent, child = context.Pipe()
            process = context.Process(target=target, args=(child, spec), daemon=True)
            process.start()
            child.close()
            self.pipes.append(parent)
            self.processes.append(process)

    def recv(self, index: int, timeout: float):
        pipe, process = self.pipes[index], self.processes[index]
        deadline = time.monotonic() + timeout
        while not pipe.poll(0.2):
            if not process.is_alive():
                raise RuntimeError(f"{self.name} {index} died (exit code {process.exitcode})")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} {index} did not answer in {timeout:.0f} s")
        return pipe.recv()

    def ask_all(self, command: dict, timeout: float) -> list:
        for pipe in self.pipes:
            pipe.send(command)
        return [self.recv(i, timeout) for i in range(len(self.pipes))]

    def ask_one(self, index: int, command: dict, timeout: float):
        self.pipes[index].send(command)
        return self.recv(index, timeout)

    def close(self) -> None:
        for i, pipe in enumerate(self.pipes):
            try:
                if self.processes[i].is_alive():
                    pipe.send({"cmd": "close"})
            except OSError:
                pass
        for process in self.processes:
            process.join(timeout=15)
            if process.is_alive():
                process.terminate()
                process.join(timeout=5)
            if process.is_alive():
                process.kill()
                process.join()
        for pipe in self.pipes:
            pipe.close()
