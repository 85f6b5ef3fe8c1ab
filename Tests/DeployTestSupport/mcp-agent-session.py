"""Drives `deployctl mcp` with the official MCP Python SDK (`mcp` from PyPI), as an agent's host would.

    python mcp-agent-session.py CALLS.json TRANSCRIPT.json SERVER-STDERR.log -- DEPLOYCTL ARG...

CALLS.json is a list of {"name", "arguments"} tool calls, made in order after the handshake and the tool
listing. The transcript written to TRANSCRIPT.json holds the server's name and version, the protocol version agreed,
the listed tools (name, required arguments) and, for each call, whether it was a tool error, its text and its
structured content. The server's standard error goes to SERVER-STDERR.log. The server's environment is this
process's (the test gives it).
"""
import asyncio
import json
import os
import sys

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client


async def session(calls, command, arguments, errlog):
    parameters = StdioServerParameters(command=command, args=arguments, env=dict(os.environ))
    transcript = {"results": []}
    async with stdio_client(parameters, errlog=errlog) as (read, write):
        async with ClientSession(read, write) as client:
            initialized = await client.initialize()
            transcript["server"] = {"name": initialized.server_info.name, "version": initialized.server_info.version}
            transcript["protocolVersion"] = str(initialized.protocol_version)
            transcript["instructions"] = initialized.instructions
            listed = await client.list_tools()
            transcript["tools"] = [
                {"name": tool.name, "required": sorted((tool.input_schema or {}).get("required", []))}
                for tool in listed.tools
            ]
            for call in calls:
                result = await client.call_tool(call["name"], call.get("arguments") or {})
                text = "".join(getattr(block, "text", "") for block in result.content)
                transcript["results"].append(
                    {"name": call["name"], "isError": bool(result.is_error), "text": text,
                     "structured": result.structured_content})
    return transcript


def main():
    calls_path, transcript_path, errlog_path = sys.argv[1:4]
    separator = sys.argv.index("--")
    command, arguments = sys.argv[separator + 1], sys.argv[separator + 2:]
    with open(calls_path) as handle:
        calls = json.load(handle)
    with open(errlog_path, "w") as errlog:
        transcript = asyncio.run(asyncio.wait_for(session(calls, command, arguments, errlog), timeout=600))
    with open(transcript_path, "w") as handle:
        json.dump(transcript, handle, indent=2, sort_keys=True)


if __name__ == "__main__":
    main()
