//! The process's own figures for `/metrics`, read from Linux's `/proc`
//! (no dependency for six numbers); `None` where there is no `/proc`.

use std::fs;

/// What `/proc/self` says of the process.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Process {
    pub(crate) cpu_seconds: f64,
    pub(crate) resident_bytes: u64,
    pub(crate) virtual_bytes: u64,
    pub(crate) open_fds: usize,
    pub(crate) max_fds: Option<u64>,
    pub(crate) start_time_seconds: f64,
}

/// `/proc` counts CPU time and start time in clock ticks of this fixed
/// size (`USER_HZ`, part of Linux's ABI whatever the kernel's own tick).
const TICKS_PER_SECOND: f64 = 100.0;

pub(crate) fn read() -> Option<Process> {
    let stat = fs::read_to_string("/proc/self/stat").ok()?;
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let boot = fs::read_to_string("/proc/stat").ok()?;
    let limits = fs::read_to_string("/proc/self/limits").ok()?;
    let open_fds = fs::read_dir("/proc/self/fd").ok()?.count();
    parse(&stat, &status, &boot, &limits, open_fds)
}

fn parse(stat: &str, status: &str, boot: &str, limits: &str, open_fds: usize) -> Option<Process> {
    // The command name, in parentheses, may hold spaces: fields count from
    // after its closing parenthesis, which is field 2.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let field = |n: usize| -> Option<u64> { fields.get(n - 3)?.parse().ok() };
    let (utime, stime, start, vsize) = (field(14)?, field(15)?, field(22)?, field(23)?);
    let rss_kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    let boot_time: u64 = boot
        .lines()
        .find_map(|l| l.strip_prefix("btime "))?
        .trim()
        .parse()
        .ok()?;
    let max_fds = limits
        .lines()
        .find_map(|l| l.strip_prefix("Max open files"))
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok());
    Some(Process {
        cpu_seconds: (utime + stime) as f64 / TICKS_PER_SECOND,
        resident_bytes: rss_kb * 1024,
        virtual_bytes: vsize,
        open_fds,
        max_fds,
        start_time_seconds: boot_time as f64 + start as f64 / TICKS_PER_SECOND,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const STAT: &str = "4242 (deconflict (x)) S 1 4242 4242 0 -1 4194560 2000 0 0 0 \
        250 50 0 0 20 0 12 0 360000 123456789 5000 18446744073709551615";
    const STATUS: &str = "Name:\tdeconflict\nVmPeak:\t  200000 kB\nVmRSS:\t   20480 kB\n";
    const BOOT: &str = "cpu  1 2 3\nbtime 1764900000\nprocesses 10\n";
    const LIMITS: &str = "Limit                     Soft Limit           Hard Limit           Units\n\
        Max open files            1024                 524288               files\n";

    #[test]
    fn the_proc_files_read_as_prometheus_names_them() {
        let p = parse(STAT, STATUS, BOOT, LIMITS, 17).unwrap();
        assert_eq!(
            p,
            Process {
                cpu_seconds: 3.0,
                resident_bytes: 20_480 * 1024,
                virtual_bytes: 123_456_789,
                open_fds: 17,
                max_fds: Some(1024),
                start_time_seconds: 1_764_903_600.0,
            }
        );
    }

    #[test]
    fn garbled_files_give_nothing_rather_than_wrong_figures() {
        assert_eq!(parse("4242 (x) S", STATUS, BOOT, LIMITS, 1), None);
        assert_eq!(parse(STAT, "Name:\tx\n", BOOT, LIMITS, 1), None);
        assert_eq!(parse(STAT, STATUS, "cpu 1\n", LIMITS, 1), None);
    }

    #[test]
    fn this_process_reads_on_linux() {
        if cfg!(target_os = "linux") {
            let p = read().expect("/proc/self on Linux");
            assert!(p.resident_bytes > 0 && p.open_fds > 0 && p.start_time_seconds > 1e9);
        }
    }
}
