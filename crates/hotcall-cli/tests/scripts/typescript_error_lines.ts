// @exit: 1
// Stack traces point at the TypeScript source, not the stripped output.
interface Config {
  name: string;
  retries: number;
}

type Handler = (c: Config) => void;

const check: Handler = (config: Config): void => {
  if (config.retries > 2) {
    throw new RangeError(`too many retries for ${config.name}`);
  }
};

console.log(new Error("not thrown").stack.split("\n")[1].trim());
check({ name: "job", retries: 5 });
