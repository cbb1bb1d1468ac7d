// A token from the gateway's development endpoint (development mode only, loopback only). A real app asks its own
// backend, which signs a token with the gateway's secret for the signed-in user and the rooms they may enter.
export async function devToken({ sub, name, rooms }) {
  const query = new URLSearchParams({ sub, name, rooms });
  const response = await fetch(`/dev/token?${query}`);
  if (!response.ok) {
    throw new Error(`/dev/token answered ${response.status}`);
  }
  return (await response.json()).token;
}
