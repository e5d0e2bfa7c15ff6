export async function startDemoFleet(baseUrl: string, log: (m: string) => void): Promise<{ stop: () => Promise<void> } | undefined> {
  void baseUrl;
  void log;
  return undefined;
}
