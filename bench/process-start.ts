/**
 * Draws source-neutral process starts from the catalog. The event shapes of
 * each data source are built from these in `event-shapes.ts`.
 */
import {
  accounts,
  hostNames,
  mofcompArguments,
  mofcompParents,
  mofcompPaths,
  programs,
  systemAccount,
  type Account,
  type Program,
} from "./catalog.js";
import { SeededRandom } from "./prng.js";

export interface ProcessImage {
  /** Full path, or a UNC path for programs started from a share. */
  executable: string;
  name: string;
  commandLine: string;
  pid: number;
}

/** One process start, before any data source shapes it. */
export interface ProcessStart {
  /** Milliseconds since the epoch. */
  timestamp: number;
  host: string;
  user: Account;
  process: ProcessImage & {
    originalFileName: string;
    company: string;
    description: string;
    md5: string;
    sha1: string;
    sha256: string;
  };
  parent: ProcessImage;
}

/** Share of events that are mofcomp.exe runs. */
export const mofcompShare = 0.002;

const programByName = new Map<string, Program>(
  programs.map((program) => [baseName(program.path), program]),
);

const cumulativeWeights: number[] = [];
let weightTotal = 0;
for (const program of programs) {
  weightTotal += program.weight;
  cumulativeWeights.push(weightTotal);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf("\\") + 1);
}

/** Produces process starts in time order, the same ones for the same seed. */
export class ProcessStartSource {
  private readonly random: SeededRandom;
  private clock = Date.parse("2026-01-05T08:00:00.000Z");
  private readonly hashes = new Map<string, [string, string, string]>();

  constructor(seed: number) {
    this.random = new SeededRandom(seed);
  }

  next(): ProcessStart {
    // About 500 starts a second across the fleet.
    this.clock += this.random.between(0, 4);
    const random = this.random;
    const host = random.pick(hostNames);
    const user = random.chance(0.45) ? systemAccount : random.pick(accounts);
    if (random.chance(mofcompShare)) {
      return this.mofcompStart(host, user);
    }

    const program = this.pickProgram();
    const parentName = random.pick(program.parents);
    const parentProgram = programByName.get(parentName);
    const parentPath =
      parentProgram === undefined
        ? `C:\\Windows\\System32\\${parentName}`
        : parentProgram.path;
    const parentArguments =
      parentProgram === undefined
        ? ""
        : random.pick(parentProgram.argumentVariants);
    return {
      timestamp: this.clock,
      host,
      user,
      process: this.image(program.path, random.pick(program.argumentVariants), {
        originalFileName: program.originalFileName,
        company: program.company,
        description: program.description,
        user,
      }),
      parent: this.parentImage(parentPath, parentArguments, user),
    };
  }

  private mofcompStart(host: string, user: Account): ProcessStart {
    const random = this.random;
    const renamed = random.chance(0.1);
    return {
      timestamp: this.clock,
      host,
      user,
      process: this.image(
        random.pick(mofcompPaths),
        random.pick(mofcompArguments),
        {
          originalFileName: renamed ? "mofcomp.exe.mui" : "mofcomp.exe",
          company: "Microsoft Corporation",
          description: "The Managed Object Format (MOF) Compiler",
          user,
        },
      ),
      parent: this.parentImage(random.pick(mofcompParents), "", user),
    };
  }

  private pickProgram(): Program {
    const target = this.random.next() * weightTotal;
    let low = 0;
    let high = cumulativeWeights.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((cumulativeWeights[middle] ?? 0) > target) {
        high = middle;
      } else {
        low = middle + 1;
      }
    }
    return programs[low] as Program;
  }

  private image(
    pathTemplate: string,
    argumentsTemplate: string,
    details: {
      originalFileName: string;
      company: string;
      description: string;
      user: Account;
    },
  ): ProcessStart["process"] {
    const executable = fillUser(pathTemplate, details.user);
    const argumentText = fillUser(argumentsTemplate, details.user);
    const [md5, sha1, sha256] = this.hashesOf(executable);
    return {
      executable,
      name: baseName(executable),
      commandLine: commandLineOf(executable, argumentText),
      pid: this.random.between(4, 65_000),
      originalFileName: details.originalFileName,
      company: details.company,
      description: details.description,
      md5,
      sha1,
      sha256,
    };
  }

  private parentImage(
    pathTemplate: string,
    argumentsTemplate: string,
    user: Account,
  ): ProcessImage {
    const executable = fillUser(pathTemplate, user);
    return {
      executable,
      name: baseName(executable),
      commandLine: commandLineOf(executable, fillUser(argumentsTemplate, user)),
      pid: this.random.between(4, 65_000),
    };
  }

  /** Keeps one set of hashes per path, as one build of a file has. */
  private hashesOf(path: string): [string, string, string] {
    let hashes = this.hashes.get(path);
    if (hashes === undefined) {
      const random = this.random;
      hashes = [random.hex(32), random.hex(40), random.hex(64)];
      this.hashes.set(path, hashes);
    }
    return hashes;
  }
}

function fillUser(template: string, user: Account): string {
  return template.replaceAll("{user}", user.name);
}

/** Quotes the image path when it contains a space, as Windows shells do. */
function commandLineOf(executable: string, argumentText: string): string {
  const image = executable.includes(" ") ? `"${executable}"` : executable;
  return argumentText === "" ? image : `${image} ${argumentText}`;
}
