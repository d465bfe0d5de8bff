/**
 * Programs, hosts and accounts that the generated process-start events draw
 * from. The mix imitates a Windows fleet: mostly system and office programs,
 * some admin tools, and a small share of mofcomp.exe runs, benign and not.
 */

/** A program that can start, with the command lines it usually gets. */
export interface Program {
  /** Full path on a C: drive, with `{user}` replaced by the account name. */
  path: string;
  /** PE original file name from the version resource. */
  originalFileName: string;
  company: string;
  description: string;
  /** Command-line arguments after the image path, one entry per variant. */
  argumentVariants: string[];
  /** Names of programs in this catalog that usually start this one. */
  parents: string[];
  /** Relative frequency among non-mofcomp events. */
  weight: number;
}

const system32 = "C:\\Windows\\System32";
const microsoft = "Microsoft Corporation";

export const programs: readonly Program[] = [
  {
    path: `${system32}\\svchost.exe`,
    originalFileName: "svchost.exe",
    company: microsoft,
    description: "Host Process for Windows Services",
    argumentVariants: [
      "-k netsvcs -p -s Schedule",
      "-k LocalService -p -s EventSystem",
      "-k NetworkService -p -s Dnscache",
      "-k UnistackSvcGroup -s WpnUserService_3f1c2",
      "-k wsappx -p -s AppXSvc",
    ],
    parents: ["services.exe"],
    weight: 20,
  },
  {
    path: `${system32}\\services.exe`,
    originalFileName: "services.exe",
    company: microsoft,
    description: "Services and Controller app",
    argumentVariants: [""],
    parents: ["wininit.exe"],
    weight: 1,
  },
  {
    path: `${system32}\\wininit.exe`,
    originalFileName: "wininit.exe",
    company: microsoft,
    description: "Windows Start-Up Application",
    argumentVariants: [""],
    parents: ["smss.exe"],
    weight: 1,
  },
  {
    path: `${system32}\\smss.exe`,
    originalFileName: "smss.exe",
    company: microsoft,
    description: "Windows Session Manager",
    argumentVariants: [""],
    parents: ["smss.exe"],
    weight: 1,
  },
  {
    path: `${system32}\\cmd.exe`,
    originalFileName: "Cmd.Exe",
    company: microsoft,
    description: "Windows Command Processor",
    argumentVariants: [
      '/c "C:\\ProgramData\\chocolatey\\bin\\choco.exe" outdated',
      "/c echo %PROCESSOR_ARCHITECTURE%",
      "/c ipconfig /all",
      '/c "C:\\Scripts\\nightly-backup.cmd"',
      "/d /c net use Z: \\\\files-01\\shared /persistent:no",
      "",
    ],
    parents: ["explorer.exe", "svchost.exe", "powershell.exe", "Code.exe"],
    weight: 8,
  },
  {
    path: `${system32}\\WindowsPowerShell\\v1.0\\powershell.exe`,
    originalFileName: "PowerShell.EXE",
    company: microsoft,
    description: "Windows PowerShell",
    argumentVariants: [
      "-NoProfile -ExecutionPolicy Bypass -File C:\\Scripts\\inventory.ps1",
      "-NonInteractive -Command Get-Service | Where-Object Status -eq Running",
      "-NoLogo",
      '-Command "& {Import-Module ActiveDirectory; Get-ADUser -Filter *}"',
    ],
    parents: ["explorer.exe", "cmd.exe", "svchost.exe", "CcmExec.exe"],
    weight: 5,
  },
  {
    path: "C:\\Windows\\explorer.exe",
    originalFileName: "EXPLORER.EXE",
    company: microsoft,
    description: "Windows Explorer",
    argumentVariants: ["", "/factory,{75dff2b7-6936-4c06-a8bb-676a7b00b24b}"],
    parents: ["userinit.exe"],
    weight: 2,
  },
  {
    path: `${system32}\\userinit.exe`,
    originalFileName: "USERINIT.EXE",
    company: microsoft,
    description: "Userinit Logon Application",
    argumentVariants: [""],
    parents: ["winlogon.exe"],
    weight: 1,
  },
  {
    path: `${system32}\\winlogon.exe`,
    originalFileName: "WINLOGON.EXE",
    company: microsoft,
    description: "Windows Logon Application",
    argumentVariants: [""],
    parents: ["smss.exe"],
    weight: 1,
  },
  {
    path: `${system32}\\conhost.exe`,
    originalFileName: "CONHOST.EXE",
    company: microsoft,
    description: "Console Window Host",
    argumentVariants: ["0xffffffff -ForceV1", ""],
    parents: ["cmd.exe", "powershell.exe", "svchost.exe"],
    weight: 10,
  },
  {
    path: `${system32}\\taskhostw.exe`,
    originalFileName: "taskhostw.exe",
    company: microsoft,
    description: "Host Process for Windows Tasks",
    argumentVariants: ["", "SYSTEM", "Install $(Arg0)"],
    parents: ["svchost.exe"],
    weight: 4,
  },
  {
    path: `${system32}\\RuntimeBroker.exe`,
    originalFileName: "RuntimeBroker.exe",
    company: microsoft,
    description: "Runtime Broker",
    argumentVariants: ["-Embedding"],
    parents: ["svchost.exe"],
    weight: 5,
  },
  {
    path: `${system32}\\backgroundTaskHost.exe`,
    originalFileName: "backgroundTaskHost.exe",
    company: microsoft,
    description: "Background Task Host",
    argumentVariants: [
      "-ServerName:App.AppXmtcan0h2tfbfy7k9kn8hbxb6dmzz1zh0.mca",
      "-ServerName:BackgroundTaskHost.WebAccountProvider",
    ],
    parents: ["svchost.exe"],
    weight: 4,
  },
  {
    path: `${system32}\\SearchProtocolHost.exe`,
    originalFileName: "SearchProtocolHost.exe",
    company: microsoft,
    description: "Microsoft Windows Search Protocol Host",
    argumentVariants: [
      'Global\\UsGthrFltPipeMssGthrPipe12_ Global\\UsGthrCtrlFltPipeMssGthrPipe12 1 -2147483646 "Software\\Microsoft\\Windows Search" "Mozilla/4.0 (compatible; MSIE 6.0; Windows NT; MS Search 4.0 Robot)" "C:\\ProgramData\\Microsoft\\Search\\Data\\Temp\\usgthrsvc" "DownLevelDaemon"',
    ],
    parents: ["SearchIndexer.exe"],
    weight: 3,
  },
  {
    path: `${system32}\\SearchIndexer.exe`,
    originalFileName: "SearchIndexer.exe",
    company: microsoft,
    description: "Microsoft Windows Search Indexer",
    argumentVariants: ["/Embedding"],
    parents: ["services.exe"],
    weight: 1,
  },
  {
    path: `${system32}\\WerFault.exe`,
    originalFileName: "WerFault.exe",
    company: microsoft,
    description: "Windows Problem Reporting",
    argumentVariants: ["-u -p 7312 -s 1044", "-pss -s 468 -p 5560 -ip 5560"],
    parents: ["svchost.exe"],
    weight: 1,
  },
  {
    path: `${system32}\\net.exe`,
    originalFileName: "net.exe",
    company: microsoft,
    description: "Net Command",
    argumentVariants: ["use", "time \\\\dc-01 /set /y", "start w32time"],
    parents: ["cmd.exe"],
    weight: 1,
  },
  {
    path: `${system32}\\reg.exe`,
    originalFileName: "reg.exe",
    company: microsoft,
    description: "Registry Console Tool",
    argumentVariants: [
      'query "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion" /v ReleaseId',
      "query HKCU\\Software\\Microsoft\\Office\\16.0\\Common /s",
    ],
    parents: ["cmd.exe", "powershell.exe"],
    weight: 1,
  },
  {
    path: `${system32}\\schtasks.exe`,
    originalFileName: "schtasks.exe",
    company: microsoft,
    description: "Task Scheduler Configuration Tool",
    argumentVariants: ['/query /fo LIST /tn "\\Microsoft\\Windows\\Defrag"'],
    parents: ["cmd.exe", "powershell.exe"],
    weight: 1,
  },
  {
    path: `${system32}\\msiexec.exe`,
    originalFileName: "msiexec.exe",
    company: microsoft,
    description: "Windows installer",
    argumentVariants: [
      "/V",
      '/i "C:\\Windows\\ccmcache\\1f\\AcroRdrDCx64.msi" /qn REBOOT=ReallySuppress',
    ],
    parents: ["services.exe", "CcmExec.exe"],
    weight: 1,
  },
  {
    path: `${system32}\\rundll32.exe`,
    originalFileName: "RUNDLL32.EXE",
    company: microsoft,
    description: "Windows host process (Rundll32)",
    argumentVariants: [
      "C:\\Windows\\System32\\shell32.dll,SHCreateLocalServerRunDll {9aa46009-3ce0-458a-a354-715610a075e6} -Embedding",
      "C:\\Windows\\system32\\PcaSvc.dll,PcaPatchSdbTask",
    ],
    parents: ["svchost.exe", "explorer.exe"],
    weight: 2,
  },
  {
    path: `${system32}\\wbem\\WmiPrvSE.exe`,
    originalFileName: "Wmiprvse.exe",
    company: microsoft,
    description: "WMI Provider Host",
    argumentVariants: ["-secured -Embedding", "-Embedding"],
    parents: ["svchost.exe"],
    weight: 3,
  },
  {
    path: "C:\\Windows\\CCM\\CcmExec.exe",
    originalFileName: "CcmExec.exe",
    company: microsoft,
    description: "Host Process for Microsoft Configuration Manager",
    argumentVariants: [""],
    parents: ["services.exe"],
    weight: 1,
  },
  {
    path: "C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE",
    originalFileName: "Outlook.exe",
    company: microsoft,
    description: "Microsoft Outlook",
    argumentVariants: ["", '/select "outlook:Inbox"'],
    parents: ["explorer.exe"],
    weight: 2,
  },
  {
    path: "C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE",
    originalFileName: "WinWord.exe",
    company: microsoft,
    description: "Microsoft Word",
    argumentVariants: [
      '/n "C:\\Users\\{user}\\Documents\\Quarterly report.docx" /o ""',
      "/Automation -Embedding",
    ],
    parents: ["explorer.exe", "OUTLOOK.EXE"],
    weight: 2,
  },
  {
    path: "C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe",
    originalFileName: "msedge.exe",
    company: microsoft,
    description: "Microsoft Edge",
    argumentVariants: [
      "--type=renderer --field-trial-handle=2124,i,1301842093476532318 --lang=en-US --renderer-client-id=12 --mojo-platform-channel-handle=5188 /prefetch:1",
      "--type=utility --utility-sub-type=network.mojom.NetworkService --lang=en-US --service-sandbox-type=none /prefetch:3",
      "--type=gpu-process --gpu-preferences=UAAAAAAAAADgAAAYAAAAAAAAAAAAAAAAAABgAAAAAAA",
      "",
    ],
    parents: ["explorer.exe", "msedge.exe"],
    weight: 12,
  },
  {
    path: "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe",
    originalFileName: "chrome.exe",
    company: "Google LLC",
    description: "Google Chrome",
    argumentVariants: [
      "--type=renderer --enable-features=CastMediaRouteProvider --lang=en-US --renderer-client-id=7 /prefetch:1",
      "--type=utility --utility-sub-type=storage.mojom.StorageService --lang=en-US /prefetch:8",
    ],
    parents: ["explorer.exe", "chrome.exe"],
    weight: 8,
  },
  {
    path: "C:\\Users\\{user}\\AppData\\Local\\Programs\\Microsoft VS Code\\Code.exe",
    originalFileName: "electron.exe",
    company: microsoft,
    description: "Visual Studio Code",
    argumentVariants: [
      "--type=utility --utility-sub-type=node.mojom.NodeService --lang=en-US --service-sandbox-type=none --dns-result-order=ipv4first --inspect-port=0 /prefetch:8",
      "",
    ],
    parents: ["explorer.exe", "Code.exe"],
    weight: 3,
  },
  {
    path: "C:\\Program Files\\Microsoft SQL Server\\MSSQL15.MSSQLSERVER\\MSSQL\\Binn\\sqlservr.exe",
    originalFileName: "sqlservr.exe",
    company: microsoft,
    description: "SQL Server Windows NT - 64 Bit",
    argumentVariants: ["-sMSSQLSERVER"],
    parents: ["services.exe"],
    weight: 1,
  },
  {
    path: "C:\\Program Files\\Microsoft SQL Server\\150\\Setup Bootstrap\\SQL2019\\x64\\ScenarioEngine.exe",
    originalFileName: "ScenarioEngine.exe",
    company: microsoft,
    description: "SQL Server Setup",
    argumentVariants: [
      "/Q /ACTION=Install /FEATURES=SQLEngine /INSTANCENAME=MSSQLSERVER",
    ],
    parents: ["cmd.exe"],
    weight: 1,
  },
];

/** Host names: 40 servers, then workstations. */
export const hostNames: readonly string[] = Array.from(
  { length: 400 },
  (_, index) =>
    index < 40
      ? `srv-${String(index + 1).padStart(3, "0")}`
      : `ws-${String(index + 1).padStart(4, "0")}`,
);

export interface Account {
  name: string;
  domain: string;
  /** Windows security identifier. */
  sid: string;
}

const domainSid = "S-1-5-21-1111111111-2222222222-3333333333";

export const systemAccount: Account = {
  name: "SYSTEM",
  domain: "NT AUTHORITY",
  sid: "S-1-5-18",
};

/** Domain users plus the service accounts Windows runs services as. */
export const accounts: readonly Account[] = [
  ...Array.from({ length: 300 }, (_, index) => ({
    name: `user${String(index + 1).padStart(3, "0")}`,
    domain: "EXAMPLE",
    sid: `${domainSid}-${1200 + index}`,
  })),
  { name: "LOCAL SERVICE", domain: "NT AUTHORITY", sid: "S-1-5-19" },
  { name: "NETWORK SERVICE", domain: "NT AUTHORITY", sid: "S-1-5-20" },
  { name: "svc_backup", domain: "EXAMPLE", sid: `${domainSid}-2101` },
  { name: "svc_sql", domain: "EXAMPLE", sid: `${domainSid}-2102` },
];

/** Paths a mofcomp.exe run starts from, benign ones first. */
export const mofcompPaths: readonly string[] = [
  `${system32}\\wbem\\mofcomp.exe`,
  "C:\\Windows\\SysWOW64\\wbem\\mofcomp.exe",
  "D:\\WINDOWS\\system32\\WBEM\\mofcomp.exe",
  `${system32}\\mofcomp.exe`,
  "C:\\Windows \\System32\\wbem\\mofcomp.exe",
  "C:\\Users\\Public\\mofcomp.exe",
  "C:\\Users\\{user}\\AppData\\Local\\Temp\\wmiutil.exe",
  "\\\\files-01\\tools\\mofcomp.exe",
];

/** Arguments of mofcomp.exe runs, with .mof files and near-misses. */
export const mofcompArguments: readonly string[] = [
  '"C:\\Program Files\\Microsoft SQL Server\\150\\Shared\\sqlmgmproviderxpsp2up.mof"',
  "C:\\Windows\\System32\\wbem\\Microsoft.AppV.AppVClientWmi.mof",
  "-autorecover C:\\Windows\\Temp\\evil.MOF",
  "C:\\Users\\{user}\\Downloads\\update.mof",
  '"C:\\Users\\{user}\\WMI Tests\\event filter.mof"',
  "C:\\Windows\\System32\\wbem\\ntevt.mof.uninstall",
  "C:\\Windows\\System32\\wbem\\en-US\\ntevt.mfl",
  "-N:root\\subscription C:\\ProgramData\\persist.mof",
  "C:\\Windows\\Temp\\xitmf",
];

/** Parents of mofcomp.exe runs: setup programs, shells and a database. */
export const mofcompParents: readonly string[] = [
  "C:\\Program Files\\Microsoft SQL Server\\150\\Setup Bootstrap\\SQL2019\\x64\\ScenarioEngine.exe",
  "C:\\Program Files\\Microsoft SQL Server Reporting Services\\SSRS\\RSSetup.exe",
  "C:\\Users\\Public\\setup100.exe",
  `${system32}\\cmd.exe`,
  `${system32}\\WindowsPowerShell\\v1.0\\powershell.exe`,
  "C:\\Program Files\\Microsoft SQL Server\\MSSQL15.MSSQLSERVER\\MSSQL\\Binn\\sqlservr.exe",
  `${system32}\\wbem\\WmiPrvSE.exe`,
];
